import Foundation
@testable import DocketCore

enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static func json(_ name: String) throws -> JSONValue {
        try JSONParser.parse(try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }
}
