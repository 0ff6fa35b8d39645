/// The five order-import APIs Docket speaks.
public enum Dialect: String, Sendable, Codable, CaseIterable {
    case cropster, centra, mirakl, omnia, dropday

    public var displayName: String {
        switch self {
        case .cropster: "Cropster"
        case .centra: "Centra"
        case .mirakl: "Mirakl Connect"
        case .omnia: "Omnia Retail"
        case .dropday: "Dropday"
        }
    }
}
