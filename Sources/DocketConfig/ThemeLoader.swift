import DocketCore
import DocketThemes
import DocketTUI
import Foundation
import TOMLKit

/// Finds and reads console themes: a user's own `themes/NAME.toml` in the
/// config folder first, then the ones Docket ships; or a file by path.
public enum ThemeLoader {
    static let styleKeys: Set<String> = ["fg", "bg", "bold", "dim", "reverse", "underline"]

    /// Where a user's own themes live: beside the config file in use, and in
    /// the default config folder.
    public static func userFolders(configPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var folders: [String] = []
        if let configPath { folders.append((configPath as NSString).deletingLastPathComponent + "/themes") }
        let standard = DocketPaths.configHome(environment) + "/docket/themes"
        if !folders.contains(standard) { folders.append(standard) }
        return folders
    }

    public static func load(_ name: String, userFolders: [String]) throws(DocketError) -> Theme {
        if name.hasSuffix(".toml") || name.contains("/") {
            guard let text = try? String(contentsOfFile: name, encoding: .utf8) else {
                throw DocketError("the theme file cannot be read", file: name)
            }
            return try parse(text, name: ((name as NSString).lastPathComponent as NSString).deletingPathExtension, path: name)
        }
        for folder in userFolders {
            let path = folder + "/" + name + ".toml"
            if let text = try? String(contentsOfFile: path, encoding: .utf8) { return try parse(text, name: name, path: path) }
        }
        if let (text, path) = BuiltInThemes.text(named: name) { return try parse(text, name: name, path: path) }
        let own = userFolders.first.map { " or a file \($0)/\(name).toml of your own" } ?? ""
        throw DocketError("there is no theme \"\(name)\": use one of \(BuiltInThemes.names.joined(separator: ", "))\(own)")
    }

    public static func parse(_ text: String, name: String, path: String?) throws(DocketError) -> Theme {
        let table = try TOMLText.table(text, path: path, what: "theme")
        var theme = Theme(name: name, styles: [:])
        for key in table.keys where key != "roles" {
            throw DocketError("unknown setting \"\(key)\": a theme holds only [roles]", file: path)
        }
        guard let roles = table["roles"]?.table else { throw DocketError("a theme needs a [roles] table", file: path) }
        let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
        for key in roles.keys {
            guard let role = Role(rawValue: key) else { throw DocketError("unknown role \"\(key)\" (known: \(known))", file: path) }
            guard let t = roles[key]?.table else { throw DocketError("roles.\(key) must be a table like { fg = \"red\", bold = true }", file: path) }
            var style = Style()
            for k in t.keys {
                let at = "roles.\(key).\(k)"
                guard styleKeys.contains(k) else { throw DocketError("unknown key \(at) (known: fg, bg, bold, dim, reverse, underline)", file: path) }
                if k == "fg" || k == "bg" {
                    let color: ThemeColor
                    if let s = t[k]?.string, let c = ThemeColor(name: s) {
                        color = c
                    } else if let i = t[k]?.int, (0...255).contains(i) {
                        color = .indexed(i)
                    } else {
                        throw DocketError("\(at) must be a colour: \"default\", a name like \"red\" or \"bright-blue\", an index 0-255, or \"#rrggbb\"", file: path)
                    }
                    if k == "fg" { style.foreground = color } else { style.background = color }
                } else {
                    guard let b = t[k]?.bool else { throw DocketError("\(at) must be true or false", file: path) }
                    switch k {
                    case "bold": style.bold = b
                    case "dim": style.dim = b
                    case "reverse": style.reverse = b
                    default: style.underline = b
                    }
                }
            }
            theme.styles[role] = style
        }
        return theme
    }
}
