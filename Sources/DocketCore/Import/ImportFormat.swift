/// The formats `docket import` reads.
public enum ImportFormat: String, Sendable, CaseIterable {
    /// Tell from the file's content.
    case auto
    /// Docket's own canonical orders: JSON Lines, or a JSON list.
    case docket
    /// One row per item line, order fields repeated (as `export --format csv`).
    case csv
    case cropster, centra, mirakl, omnia, dropday

    public var dialect: Dialect? { Dialect(rawValue: rawValue) }
}
