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

    /// Sending an order again replaces what the target holds (an upsert).
    /// Centra and Dropday create once: a changed order cannot be sent over.
    public var updatesOrders: Bool { self != .centra && self != .dropday }

    /// One bad order makes the target refuse the whole request.
    public var allOrNothing: Bool { self == .cropster || self == .mirakl || self == .omnia }
}
