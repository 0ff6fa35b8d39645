import DocketCore
import DocketHTTP
import DocketSandbox
import Foundation
import OpenAPIKit
import Testing

/// The sandbox's /openapi.json is a valid OpenAPI 3.1 document (by
/// OpenAPIKit's validation), and the server answers only what it says.
@Suite(.serialized) struct OpenAPIDocumentTests {
    func document(_ rig: Rig) async throws -> (Data, JSONValue) {
        let response = try await rig.transport.send(HTTPRequestData(method: "GET", url: rig.sandbox.baseURL + "/openapi.json"), timeout: 60)
        #expect(response.status == 200)
        return (Data(response.body), try JSONParser.parse(response.body))
    }

    @Test func itIsAValidOpenAPI31Document() async throws {
        let rig = try await Rig.start()
        let (data, json) = try await document(rig)
        let doc = try JSONDecoder().decode(OpenAPI.Document.self, from: data)
        try doc.validate()
        #expect(json.objectValue?["openapi"] == .string("3.1.0"))
        // Every path parameter is declared; every order route names the
        // faults' statuses; the request bodies are the vendors' schemas.
        let omnia = doc.paths["/omnia/api/v3/vendor/contracts/{contractId}/orders"]?.pathItemValue?.put
        #expect(omnia?.parameters.count == 1)
        let codes: Set<String> = Set(omnia?.responses.keys.map(\.rawValue) ?? [])
        #expect(codes.isSuperset(of: ["201", "400", "401", "404", "405", "413", "429"]))
        let schemas = json.objectValue?["components"]?.objectValue?["schemas"]?.objectValue
        #expect(schemas?["omnia"]?.objectValue?["additionalProperties"] == .bool(false))
        #expect(schemas?["dropday"]?.objectValue?["required"]?.arrayValue?.contains("external_id") == true)
        await rig.stop()
    }

    /// A property test in the spirit of schemathesis: requests of every
    /// documented operation, with and without credentials, with bodies
    /// that are empty, broken, of the wrong shape, near-valid and valid,
    /// and with methods the path does not take. No answer is a 5xx other
    /// than the documented 503, none is outside the operation's list.
    @Test func generatedRequestsGetOnlyDocumentedAnswers() async throws {
        let rig = try await Rig.start()
        let (_, json) = try await document(rig)
        let paths = json.objectValue?["paths"]?.objectValue ?? JSONObject()
        let auth: [String: [(String, String)]] = try await [
            "cropsterOAuth": Authenticator(auth: rig.targets[.cropster]!.auth, transport: rig.transport).headers().map { ($0.name, $0.value) },
            "miraklOAuth": Authenticator(auth: rig.targets[.mirakl]!.auth, transport: rig.transport).headers().map { ($0.name, $0.value) },
            "centraKey": Authenticator(auth: rig.targets[.centra]!.auth, transport: rig.transport).headers().map { ($0.name, $0.value) },
            "omniaBasic": Authenticator(auth: rig.targets[.omnia]!.auth, transport: rig.transport).headers().map { ($0.name, $0.value) },
            "dropdayKey": Authenticator(auth: rig.targets[.dropday]!.auth, transport: rig.transport).headers().map { ($0.name, $0.value) },
        ]
        let valid: [String: String] = [
            "cropster": try String(contentsOfFile: TestFiles.path("cropster-seed.json"), encoding: .utf8),
            "centra": try String(contentsOfFile: TestFiles.path("centra-vendor.json"), encoding: .utf8),
            "mirakl": try String(contentsOfFile: TestFiles.path("mirakl-example.json"), encoding: .utf8),
            "omnia": try String(contentsOfFile: TestFiles.path("omnia-strict.json"), encoding: .utf8),
            "dropday": try String(contentsOfFile: TestFiles.path("dropday-shipping.json"), encoding: .utf8),
        ]
        let junk = ["", "{", "null", "[]", "{}", "[1,2]", "\"text\"", #"{"data": {}}"#, #"{"orders": "x"}"#, #"{"version": 3, "orders": [{}]}"#,
                    #"{"external_id": 5}"#, #"{"x": {"products": [{"qty": -1}]}}"#, "grant_type=client_credentials", "\u{0}\u{1}", String(repeating: "[", count: 2000)]
        var g = SystemRandomNumberGenerator()
        var seen = 0
        for path in paths {
            let concrete = path.key.replacingOccurrences(of: "{contractId}", with: SandboxConfig.contract)
                .replacingOccurrences(of: "{reference}", with: "1").replacingOccurrences(of: "{dialect}", with: "omnia")
            let operations = path.value.objectValue ?? JSONObject()
            for method in ["get", "post", "put", "delete", "patch"] {
                let op = operations[method]?.objectValue
                let documented = Set(op?["responses"]?.objectValue?.keys ?? [])
                let scheme = op?["security"]?.arrayValue?.first?.objectValue?.keys.first
                let schema = op?["requestBody"]?.objectValue?["content"]?.objectValue?.members.first?.value.objectValue?["schema"]?.objectValue?["$ref"]?.stringValue?.split(separator: "/").last.map(String.init)
                for round in 0..<12 {
                    var body = junk.randomElement(using: &g)!
                    if let schema, let good = valid[schema], round % 3 == 0 {
                        // Valid, or valid with one member taken out or changed.
                        body = round % 2 == 0 ? good : mutate(good, using: &g)
                    }
                    var headers: [(String, String)] = [("Content-Type", "application/json")]
                    if let scheme, round % 4 != 1 { headers += auth[scheme] ?? [] }
                    let response = try await rig.transport.send(
                        HTTPRequestData(method: method.uppercased(), url: rig.sandbox.baseURL + concrete, headers: headers, body: Array(body.utf8)), timeout: 10)
                    seen += 1
                    let status = String(response.status)
                    if op == nil {
                        #expect(response.status == 405, "\(method) \(path.key) gave \(status)")
                        #expect(response.header("Allow") != nil)
                    } else {
                        #expect(documented.contains(status), "\(method) \(path.key) gave \(status) for \(body.prefix(80)): \(String(decoding: response.body.prefix(200), as: UTF8.self))")
                        #expect(response.status < 500 || response.status == 503)
                    }
                }
            }
        }
        #expect(seen > 400)
        await rig.stop()
    }

    /// One member of a valid body removed, or its value swapped for another kind.
    func mutate(_ text: String, using g: inout SystemRandomNumberGenerator) -> String {
        guard case .object(var o) = try? JSONParser.parse(text), let key = o.keys.randomElement(using: &g) else { return text }
        switch Int.random(in: 0..<3, using: &g) {
        case 0: o[key] = nil
        case 1: o[key] = .number("-1")
        default: o[key] = .string("")
        }
        return JSONWriter.string(.object(o))
    }
}
