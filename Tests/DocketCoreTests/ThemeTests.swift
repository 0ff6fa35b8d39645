import DocketConfig
import DocketCore
import DocketTUI
import Foundation
import Testing
import DocketTestSupport

@Suite struct ThemeTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes")

    @Test(arguments: ["default", "light", "high-contrast", "mono"])
    func everyShippedThemeReadsAndIsFoundByName(name: String) throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(name + ".toml"), encoding: .utf8)
        let theme = try ThemeLoader.parse(text, name: name, path: name + ".toml")
        // The roles a screen leans on to stand out all have a style.
        for role in [Role.title, .selection, .statusBar, .statusKey, .error, .fieldIssue, .fieldChanged, .outcomeRejected] {
            #expect(theme.styles[role] != nil, "\(name) has no style for \(role.rawValue)")
        }
        #expect(try ThemeLoader.load(name, userFolders: []) == theme)
        // Without colour, a selection still stands out.
        let plain = theme.style(.selection).resolved(for: .none)
        #expect(plain.reverse || plain.bold || plain.underline)
    }

    @Test func coloursResolveToWhatTheTerminalHas() {
        let red = Style(foreground: ThemeColor(name: "#ff0000")!, background: ThemeColor(name: "bright-blue")!)
        #expect(red.resolved(for: .trueColor).foreground == 0xFF0000)
        #expect(red.resolved(for: .indexed256).foreground == 196)
        #expect(red.resolved(for: .indexed256).background == 12)
        #expect(red.resolved(for: .sixteen).foreground == 9)
        let eight = red.resolved(for: .eight)
        #expect(eight.foreground == 1 && eight.bold && eight.background == 4)
        let none = red.resolved(for: .none)
        #expect(none.foreground == -1 && none.background == -1 && none.reverse)
        #expect(Style(foreground: .indexed(244)).resolved(for: .sixteen).foreground == 8)
        #expect(ColorDepth(colors: 256, noColor: true) == ColorDepth.none)
        #expect(ColorDepth(colors: 0x100_0000, noColor: false) == .trueColor)
        #expect(ColorDepth(colors: 8, noColor: false) == .eight)
    }

    @Test func mistakesNameTheFileAndTheKey() {
        func error(_ text: String) -> String {
            do {
                _ = try ThemeLoader.parse(text, name: "t", path: "mine.toml")
                return ""
            } catch {
                return error.description
            }
        }
        #expect(error("[roles]\nheadr = { bold = true }").contains("mine.toml: unknown role \"headr\""))
        #expect(error("[roles]\nheader = { fg = \"purpleish\" }").contains("roles.header.fg must be a colour"))
        #expect(error("[roles]\nheader = { fg = 300 }").contains("roles.header.fg must be a colour"))
        #expect(error("[roles]\nheader = { bold = \"yes\" }").contains("roles.header.bold must be true or false"))
        #expect(error("[roles]\nheader = { blink = true }").contains("unknown key roles.header.blink"))
        #expect(error("colour = 1\n[roles]").contains("unknown setting \"colour\""))
        #expect(error("[roles\n").contains("mine.toml, line 1"))
        #expect(throws: DocketError.self) { try ThemeLoader.load("no-such-theme", userFolders: []) }
    }

    @Test func aUsersOwnThemeComesFirst() throws {
        let dir = Scratch.folder("themes")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "[roles]\nheader = { fg = 208, underline = true }\n".write(to: dir.appendingPathComponent("light.toml"), atomically: true, encoding: .utf8)
        let theme = try ThemeLoader.load("light", userFolders: [dir.path])
        #expect(theme.style(.header) == Style(foreground: .indexed(208), underline: true))
        #expect(try ThemeLoader.load(dir.appendingPathComponent("light.toml").path, userFolders: []).style(.header).underline)
        let folders = ThemeLoader.userFolders(configPath: "/etc/x/config.toml", environment: ["XDG_CONFIG_HOME": "/home/u/.config"])
        #expect(folders == ["/etc/x/themes", "/home/u/.config/docket/themes"])
    }
}
