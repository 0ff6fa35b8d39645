import ArgumentParser
import DocketCore
import Foundation

struct Targets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the configured targets, or print a new one's config from a vendor's published hosts.",
        discussion: """
            docket targets lists each target with its host, its auth and whether its secret \
            can be read now (never the secret itself).

            docket targets init NAME --vendor V prints a config section to add to the \
            config file: the vendor's published production (or --staging) host and token \
            URL, the settings with their defaults, and the environment variable to set for \
            the secret. Centra has one host per shop: give it with --base-url.
              docket targets init cropster-prod --vendor cropster >> ~/.config/docket/config.toml
            """,
        subcommands: [List.self, Init.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the configured targets (the default).")

        @OptionGroup var common: CommonOptions

        @Flag(help: "Print a JSON list of targets.")
        var json = false

        func run() throws {
            try reportingErrors {
                let config = try common.loadConfig()
                let targets = config.targets.values.sorted { $0.name < $1.name }
                let rows = targets.map { t -> (TargetConfig, String, String) in
                    let host = URL(string: t.baseURL)?.host ?? t.baseURL
                    var secret = "no secret"
                    if let s = t.auth?.secrets.first {
                        do {
                            _ = try s.resolve()
                            secret = "secret \(s) resolves"
                        } catch {
                            secret = (error as? DocketError)?.message ?? "\(error)"
                        }
                    }
                    return (t, host, secret)
                }
                if json {
                    print(JSONWriter.string(.array(rows.map { t, host, secret in
                        .object(JSONObject([
                            .init("name", .string(t.name)), .init("dialect", .string(t.dialect.rawValue)),
                            .init("host", .string(host)), .init("auth", t.auth.map { .string($0.typeName) } ?? .null),
                            .init("secret", .string(secret)),
                        ]))
                    }), pretty: true))
                    return
                }
                if rows.isEmpty {
                    print("No targets configured. docket targets init NAME --vendor V prints one; docket sandbox --print-config prints five for the sandbox.")
                    return
                }
                for (t, host, secret) in rows {
                    print(DisplayWidth.fit(SafeText.escape(t.name), 20) + " " + DisplayWidth.fit(t.dialect.rawValue, 9) + " "
                          + DisplayWidth.fit(SafeText.escape(host), 28) + " " + DisplayWidth.fit(t.auth?.typeName ?? "none", 8) + " "
                          + SafeText.escape(secret))
                }
            }
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init", abstract: "Print a config section for a new target of a vendor, from its published hosts.")

        @Argument(help: ArgumentHelp("The new target's name: letters, digits, - and _.", valueName: "name"))
        var name: String

        @Option(help: ArgumentHelp("cropster, mirakl, omnia, dropday or centra.", valueName: "vendor"))
        var vendor: String

        @Flag(help: "The vendor's staging host (Omnia publishes one).")
        var staging = false

        @Option(name: .customLong("base-url"), help: ArgumentHelp("The API's base URL, where the vendor has one host per customer (Centra) or you use another.", valueName: "url"))
        var baseURL: String?

        func run() throws {
            try reportingErrors {
                guard let dialect = Dialect(rawValue: vendor.lowercased()) else {
                    throw DocketError("--vendor \(vendor) is not one of \(Dialect.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                print(try VendorPreset.of(dialect).section(name: name, staging: staging, baseURL: baseURL), terminator: "")
            }
        }
    }
}
