import DocketCore
import TOMLKit

/// Parses TOML text, turning TOMLKit's errors into Docket's, with the file,
/// line and column where it went wrong.
enum TOMLText {
    static func table(_ text: String, path: String?, what: String) throws(DocketError) -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw DocketError("this \(what) is not valid TOML: \(e.description)", file: path, line: e.source.begin.line, column: e.source.begin.column)
        } catch {
            throw DocketError("this \(what) is not valid TOML: \(error)", file: path)
        }
    }
}
