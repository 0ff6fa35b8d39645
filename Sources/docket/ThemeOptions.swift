import ArgumentParser
import DocketConfig
import DocketCore
import DocketTUI

/// `--theme`, for the commands that open the console.
struct ThemeOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The console's colours: default, light, high-contrast, mono, or a theme of your own.",
        discussion: "Default: theme = \"…\" in the config, else default. Your own: a file NAME.toml in a themes folder beside the config file (~/.config/docket/themes/), or a path to a .toml file; copy one of Docket's themes/ to start. NO_COLOR keeps attributes only.",
        valueName: "name"))
    var theme: String?

    /// The theme to draw with, and a note for the status bar when Docket's
    /// own theme files could not be found (then the console draws plain).
    func load(_ config: DocketConfig) throws -> (Theme, String?) {
        let name = theme ?? config.theme ?? "default"
        do {
            return (try ThemeLoader.load(name, userFolders: ThemeLoader.userFolders(configPath: config.path)), nil)
        } catch {
            guard theme == nil, config.theme == nil else { throw error }
            return (.fallback, "Docket's theme files were not found beside the binary; drawing without colours.")
        }
    }
}
