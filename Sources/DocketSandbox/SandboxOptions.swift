import DocketCore
import Foundation

/// The credentials the sandbox accepts (demo values, printed by
/// `docket sandbox --print-config`), and how it misbehaves on request.
public struct SandboxOptions: Sendable {
    public var cropsterClient = ("docket-demo", "cropster-demo-secret")
    public var miraklClient = ("docket-demo", "mirakl-demo-secret")
    public var centraSecret = "centra-demo-secret"
    public var centraHeader = "API-Authorization"
    public var omniaUser = ("vendor", "omnia-demo-secret")
    public var omniaToken = "omnia-demo-token"
    public var dropdayKey = "dropday-demo-key"
    public var dropdayAccount = "1000"
    /// The Omnia contracts that exist (more come from a state file); others
    /// answer 404 as Omnia does.
    public var omniaContracts: Set<String> = [SandboxConfig.contract]
    /// A scope the Cropster token endpoint insists on (403 without it), as
    /// for a service account; nil asks for none.
    public var cropsterScope: String?
    public var faults = Faults()

    public init(faults: Faults = Faults()) { self.faults = faults }
}

/// `--faults`: `latency=50ms,5xx=0.3,429=0.1,retry_after=1,rate=60,drop=0.15,malformed=0.05,token_ttl=1,anonymous=1,echo=1,seed=7`.
/// Rates are fractions of order requests; `rate` is a real rate limit
/// instead (requests per second per API; beyond it 429, with Retry-After
/// the seconds until the next is allowed, in fractions as some APIs send
/// it); `drop` cuts the connection after
/// the change is saved; `anonymous` makes Cropster's 422 details name no
/// order; `token_ttl` is the lifetime of issued tokens in seconds.
public struct Faults: Sendable, Equatable {
    public var latency: Double = 0
    public var serverErrors: Double = 0
    public var rateLimited: Double = 0
    public var retryAfter: Int = 1
    /// Requests per second each API takes before it answers 429.
    public var rateLimit: Double?
    public var drop: Double = 0
    public var malformed: Double = 0
    public var tokenTTL: Double = 3599
    public var anonymousDetails = false
    /// Refuse with an error page that echoes the request's headers (as a
    /// misconfigured proxy does), credentials and all.
    public var echoHeaders: Double = 0
    public var seed: UInt64?

    public init() {}

    public init(spec: String) throws(DocketError) {
        for part in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw DocketError("--faults: \"\(part)\" is not name=value") }
            let (name, value) = (kv[0], kv[1])
            func rate() throws(DocketError) -> Double {
                guard let r = Double(value), (0...1).contains(r) else { throw DocketError("--faults: \(name) is a fraction from 0 to 1, not \(value)") }
                return r
            }
            switch name {
            case "latency":
                let number = value.hasSuffix("ms") ? Double(value.dropLast(2)).map { $0 / 1000 } : value.hasSuffix("s") ? Double(value.dropLast()) : Double(value).map { $0 / 1000 }
                guard let number, number >= 0 else { throw DocketError("--faults: latency is a duration like 50ms, not \(value)") }
                latency = number
            case "5xx", "500": serverErrors = try rate()
            case "429": rateLimited = try rate()
            case "rate":
                guard let r = Double(value), r > 0 else { throw DocketError("--faults: rate is requests per second above 0, not \(value)") }
                rateLimit = r
            case "drop": drop = try rate()
            case "malformed": malformed = try rate()
            case "retry_after":
                guard let s = Int(value), s >= 0 else { throw DocketError("--faults: retry_after is whole seconds, not \(value)") }
                retryAfter = s
            case "token_ttl":
                guard let s = Double(value), s > 0 else { throw DocketError("--faults: token_ttl is seconds, not \(value)") }
                tokenTTL = s
            case "anonymous": anonymousDetails = value == "1" || value == "true"
            case "echo": echoHeaders = try rate()
            case "seed":
                guard let s = UInt64(value) else { throw DocketError("--faults: seed is a whole number, not \(value)") }
                seed = s
            default:
                throw DocketError("--faults: unknown fault \"\(name)\" (known: latency, 5xx, 429, retry_after, rate, drop, malformed, token_ttl, anonymous, echo, seed)")
            }
        }
    }
}
