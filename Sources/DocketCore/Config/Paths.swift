import Foundation

/// Where Docket keeps its store and finds its config, by the XDG rules.
public enum DocketPaths {
    public static func defaultStore(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["DOCKET_STORE"], !explicit.isEmpty { return explicit }
        return dataHome(environment) + "/docket/docket.sqlite"
    }

    /// The config path and whether it was named explicitly (a named file
    /// that is missing is an error; a missing default is an empty config).
    public static func defaultConfig(environment: [String: String] = ProcessInfo.processInfo.environment) -> (String, Bool) {
        if let explicit = environment["DOCKET_CONFIG"], !explicit.isEmpty { return (explicit, true) }
        return (configHome(environment) + "/docket/config.toml", false)
    }

    public static func configHome(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let x = environment["XDG_CONFIG_HOME"], x.hasPrefix("/") { return x }
        return home(environment) + "/.config"
    }

    static func dataHome(_ environment: [String: String]) -> String {
        if let x = environment["XDG_DATA_HOME"], x.hasPrefix("/") { return x }
        return home(environment) + "/.local/share"
    }

    static func home(_ environment: [String: String]) -> String {
        environment["HOME"] ?? NSHomeDirectory()
    }
}
