import DocketCore
import Foundation

/// `/openapi.json`: what the sandbox serves, as an OpenAPI 3.1 document.
/// Each route lists every status it can answer (its vendor's, and the
/// faults' 429 and 503); request bodies use the vendors' schemas from
/// `Schemas/`, as strict as the rules the handlers apply.
enum OpenAPIDocument {
    struct Operation {
        var path: String
        var method: String
        var summary: String
        var security: String?
        /// The body's media type and schema (a components name), if any.
        var body: (type: String, schema: String)?
        var responses: [(String, String)]
    }

    /// The statuses every order endpoint can also give: a bad or echoed
    /// request, too large a body, the faults' rate limit and outage.
    static let common = [("413", "the body is larger than 64 MiB"), ("429", "rate limited (Retry-After says when to retry)"),
                         ("503", "temporarily unavailable"), ("405", "another method than the ones this path takes (Allow lists them)")]

    static let operations: [Operation] = [
        Operation(path: "/openapi.json", method: "get", summary: "This document", security: nil, body: nil,
                  responses: [("200", "the document"), ("405", "only GET")]),
        Operation(path: "/cropster/oauth2/token", method: "post", summary: "OAuth2 client credentials (Cropster)", security: nil,
                  body: ("application/x-www-form-urlencoded", "tokenRequest"),
                  responses: [("200", "token"), ("400", "unsupported grant type"), ("401", "invalid client"),
                              ("403", "a scope the service account needs was not asked for"), ("405", "only POST")]),
        Operation(path: "/cropster/mrp.order.setOrders", method: "post", summary: "Cropster Set Orders: upsert up to 50 orders",
                  security: "cropsterOAuth", body: ("application/json", "cropster"),
                  responses: [("200", "syncedOrders"), ("400", "invalid_parameter"), ("401", "unauthorized"),
                              ("422", "bulk_operation_failed: nothing saved")] + common),
        Operation(path: "/centra/orders", method: "post", summary: "Centra Batch Create Orders", security: "centraKey",
                  body: ("application/json", "centra"),
                  responses: [("200", "per-order status ok/no with codes -1..-7"), ("400", "not a batch object"), ("401", "unauthorized")] + common),
        Operation(path: "/centra/orders", method: "get", summary: "Centra orders: by order number (order=N), limit, offset",
                  security: "centraKey", body: nil,
                  responses: [("200", "status ok with the orders"), ("400", "a bad request"), ("401", "unauthorized")] + common),
        Operation(path: "/mirakl/oauth/token", method: "post", summary: "OAuth2 client credentials (Mirakl)", security: nil,
                  body: ("application/x-www-form-urlencoded", "tokenRequest"),
                  responses: [("200", "token with target_app and resource_owner"), ("400", "unsupported grant type"),
                              ("401", "invalid client"), ("405", "only POST")]),
        Operation(path: "/mirakl/v1/orders", method: "post", summary: "Mirakl Connect upsertOrders", security: "miraklOAuth",
                  body: ("application/json", "mirakl"),
                  responses: [("204", "saved"), ("400", "errors with JsonPath fields"), ("401", "unauthorized")] + common),
        Operation(path: "/omnia/api/v3/vendor/contracts/{contractId}/orders", method: "put", summary: "Omnia PUT orders in bulk",
                  security: "omniaBasic", body: ("application/json", "omnia"),
                  responses: [("201", "data.ids"), ("400", "errors"), ("401", "unauthorized"), ("404", "unknown contract")] + common),
        Operation(path: "/dropday/api/v1/orders", method: "post", summary: "Dropday Create an order", security: "dropdayKey",
                  body: ("application/json", "dropday"),
                  responses: [("200", "Order created / Order already exists"), ("400", "a bad request"), ("401", "unauthenticated"),
                              ("422", "Errors by field")] + common),
        Operation(path: "/dropday/api/v1/orders", method: "get", summary: "Dropday orders: partial external_id, include_test, per_page (at most 100)",
                  security: "dropdayKey", body: nil,
                  responses: [("200", "a page of orders"), ("400", "a bad request"), ("401", "unauthorized")] + common),
        Operation(path: "/dropday/api/v1/orders/{reference}", method: "get", summary: "Dropday order by reference", security: "dropdayKey",
                  body: nil, responses: [("200", "the order"), ("400", "a bad request"), ("401", "unauthorized"), ("404", "not found")] + common),
        Operation(path: "/_sandbox/orders/{dialect}", method: "get", summary: "What an emulated target holds (not a vendor endpoint)",
                  security: nil, body: nil, responses: [("200", "the order keys"), ("404", "no such dialect"), ("405", "only GET")]),
    ]

    static let json: JSONValue = {
        var paths: [String: JSONObject] = [:]
        var order: [String] = []
        for op in operations {
            if paths[op.path] == nil { order.append(op.path) }
            var o = JSONObject([.init("summary", .string(op.summary)),
                                .init("operationId", .string(op.method + op.path.replacingOccurrences(of: "[^A-Za-z0-9]+", with: "_", options: .regularExpression)))])
            let parameters = parameterNames(op.path).map { name -> JSONValue in
                ["name": .string(name), "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]]
            }
            if !parameters.isEmpty { o["parameters"] = .array(parameters) }
            o["security"] = op.security.map { [[.init(stringLiteral: $0): []]] } ?? []
            if let body = op.body {
                o["requestBody"] = ["required": true, "content": [.init(stringLiteral: body.type): ["schema": ["$ref": .string("#/components/schemas/\(body.schema)")]]]]
            }
            o["responses"] = .object(JSONObject(op.responses.map { code, text in
                var r = JSONObject([.init("description", .string(text))])
                if code != "204" { r["content"] = ["application/json": ["schema": ["type": ["object", "array"]]]] }
                return .init(code, .object(r))
            }))
            paths[op.path, default: JSONObject()][op.method] = .object(o)
        }
        return .object(JSONObject([
            .init("openapi", "3.1.0"),
            .init("info", ["title": "Docket sandbox", "version": "1",
                           "description": "Local emulation of five bulk order APIs for rehearsal and tests."]),
            .init("paths", .object(JSONObject(order.map { .init($0, .object(paths[$0]!)) }))),
            .init("components", .object(JSONObject([
                .init("schemas", .object(schemas)),
                .init("securitySchemes", [
                    "cropsterOAuth": ["type": "oauth2", "flows": ["clientCredentials": ["tokenUrl": "/cropster/oauth2/token", "scopes": [:]]]],
                    "miraklOAuth": ["type": "oauth2", "flows": ["clientCredentials": ["tokenUrl": "/mirakl/oauth/token", "scopes": [:]]]],
                    "centraKey": ["type": "apiKey", "in": "header", "name": "API-Authorization"],
                    "omniaBasic": ["type": "http", "scheme": "basic"],
                    "dropdayKey": ["type": "apiKey", "in": "header", "name": "api-key"],
                ]),
            ]))),
        ]))
    }()

    static func parameterNames(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    /// The vendors' schemas, each `$defs` moved into the components under
    /// the vendor's name so their references resolve inside this document.
    static var schemas: JSONObject {
        var out = JSONObject()
        out["tokenRequest"] = ["type": "object", "required": ["grant_type"],
                               "properties": ["grant_type": ["enum": ["client_credentials"]], "client_id": ["type": "string"],
                                              "client_secret": ["type": "string"], "scope": ["type": "string"]]]
        for dialect in Dialect.allCases {
            guard let url = Bundle.module.url(forResource: "\(dialect.rawValue).schema", withExtension: "json", subdirectory: "Schemas"),
                  let data = try? Data(contentsOf: url), let schema = try? JSONParser.parse(data).objectValue else { continue }
            let prefix = dialect.rawValue + "."
            var root = schema
            let defs = root["$defs"]?.objectValue ?? JSONObject()
            root["$defs"] = nil
            if let comment = root["$comment"] { root["$comment"] = nil; root["description"] = comment }
            out[dialect.rawValue] = rewrite(.object(root), prefix: prefix)
            for d in defs { out[prefix + d.key] = rewrite(d.value, prefix: prefix) }
        }
        return out
    }

    static func rewrite(_ value: JSONValue, prefix: String) -> JSONValue {
        switch value {
        case .object(let o):
            var r = JSONObject()
            for m in o {
                if m.key == "$ref", let ref = m.value.stringValue, ref.hasPrefix("#/$defs/") {
                    r[m.key] = .string("#/components/schemas/" + prefix + ref.dropFirst("#/$defs/".count))
                } else {
                    r[m.key] = rewrite(m.value, prefix: prefix)
                }
            }
            return .object(r)
        case .array(let a): return .array(a.map { rewrite($0, prefix: prefix) })
        default: return value
        }
    }
}
