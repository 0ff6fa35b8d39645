import ArgumentParser
import DocketCore
import DocketSandbox
import Foundation

struct Sandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve local copies of the five order APIs, for rehearsal and tests.",
        discussion: """
            All five under one port: /cropster (+ /cropster/oauth2/token), /centra, /mirakl \
            (+ /mirakl/oauth/token), /omnia/api/v3/vendor/contracts/{id}/orders, /dropday; \
            and /openapi.json. They keep state, check credentials and every documented rule, \
            and answer in each API's own shapes. The lookups reconcile uses answer too: \
            GET /centra/orders?order=N and GET /dropday/api/v1/orders?external_id=…. \
            Omnia knows the contract \(SandboxConfig.contract) and those a state file lists; \
            others get 404.

            --faults takes name=value pairs: latency=50ms (each order request is answered no \
            sooner than 50 ms after it arrives; its work is done within that time, not added \
            to it), 5xx=0.3, 429=0.1 (a fraction of \
            requests, at random), retry_after=1, rate=60 (a real rate limit: each API takes 60 \
            requests a second and answers 429 beyond, with Retry-After), drop=0.15 (cut the connection after saving), malformed=0.05, token_ttl=1, \
            anonymous=1 (Cropster refusals name no order), echo=1 (refusals echo the request's \
            headers, credentials included, as a misconfigured proxy does), seed=7.
            --state FILE loads product lists, stock and orders that are no longer OPEN (see \
            the README).
            """)

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "host"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The port to listen on (0 picks a free one).", valueName: "n"))
    var port = 8080

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be from 0 to 65535 (0 picks a free one), not \(port)")
        }
    }

    @Option(help: ArgumentHelp("Faults to inject.", valueName: "spec"))
    var faults: String?

    @Option(help: ArgumentHelp("A JSON file of products, stock and existing orders to start with.", valueName: "file"))
    var state: String?

    @Flag(help: "Print a config for this sandbox's five targets (demo credentials inline) and exit.")
    var printConfig = false

    func run() async throws {
        do {
            let faults = try faults.map { spec throws(DocketError) in try Faults(spec: spec) } ?? Faults()
            let options = SandboxOptions(faults: faults)
            if printConfig {
                print(SandboxConfig.toml(baseURL: "http://\(host):\(port)", options: options), terminator: "")
                return
            }
            let sandboxState = SandboxState(options: options)
            if let state {
                guard let data = FileManager.default.contents(atPath: state) else { throw DocketError("cannot read the state file", file: state) }
                do { try await sandboxState.load(try JSONParser.parse(data)) } catch let e as JSONSyntaxError {
                    throw DocketError(e, file: state)
                } catch let e as DocketError { throw e.with(file: state) }
            }
            if !["127.0.0.1", "localhost", "::1"].contains(host) {
                printError("warning: the sandbox accepts its demo credentials from anyone who can reach \(host):\(port)")
            }
            let running: RunningSandbox
            do { running = try await SandboxServer.start(sandboxState, host: host, port: port) } catch let e as DocketError {
                throw e
            } catch {
                throw DocketError("the sandbox could not listen on \(host):\(port): \(error)")
            }
            // Written straight out (not buffered): scripts wait for this line.
            FileHandle.standardOutput.write(Data("""
                Docket sandbox listening on \(running.baseURL) (cropster, centra, mirakl, omnia, dropday). Ctrl-C stops it.
                Config for it: docket sandbox --print-config --port \(running.port)

                """.utf8))
            await waitForTerminationSignal()
            await running.stop()
        } catch let e as DocketError {
            printError(e.description)
            throw ExitCode.failure
        }
    }
}

/// Waits for SIGINT or SIGTERM (the sandbox and the demo run until then).
func waitForTerminationSignal() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let once = Once(continuation)
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { once.fire() }
            source.resume()
            Once.keep(source)
        }
    }
}

/// Resumes a continuation once, whichever signal comes first.
final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []

    init(_ c: CheckedContinuation<Void, Never>) { continuation = c }

    static func keep(_ s: any DispatchSourceSignal) { sources.append(s) }

    func fire() {
        lock.lock()
        let c = continuation
        continuation = nil
        lock.unlock()
        c?.resume()
    }
}
