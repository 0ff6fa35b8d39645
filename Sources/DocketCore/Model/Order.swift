import Foundation

/// One order as Docket holds it: the union of what the five dialects can say
/// about an order, so that a body of any dialect imports and encodes back to
/// the same body, and an order imported in one dialect can be sent in another.
///
/// Every field is optional except the external id and the item list: which
/// ones a target needs is a question for that dialect's validation, not for
/// the model. Money is `Decimal`; timestamps are the text they came with.
public struct Order: Sendable, Equatable {
    /// The shop's own order number: Cropster `externalId`, the name of a
    /// Centra batch member, Mirakl `channel_order_id`, Omnia `orderId`,
    /// Dropday `external_id`.
    public var externalId: String
    /// Docket's local lifecycle; only `OPEN` orders may be edited.
    public var status: OrderStatus = .open
    /// The dialect the order was imported in. Unknown fields below belong to
    /// this dialect and are written back only when encoding in it.
    public var importedFrom: Dialect?

    /// When the order was placed: Cropster `orderDate`, Mirakl `created_at`,
    /// Omnia `creationDate`.
    public var orderDate: String?
    /// When the channel last changed it: Mirakl `channel_updated_at`.
    public var updatedAt: String?
    public var customer: Customer?
    /// The shop the order came from: Dropday `source`, Omnia `origin`.
    public var source: String?
    /// Omnia `referrer`: the marketplace that sent the customer.
    public var referrer: String?
    /// Dropday `test`.
    public var test: Bool?
    /// ISO 4217: Omnia `currency`.
    public var currency: String?
    /// Gross total including shipping: Omnia `totalPrice`, Dropday `total`.
    public var total: Decimal?
    /// Omnia `shippingCosts`, Dropday `shipping_cost`, Centra `shippingValue`.
    /// Dropday's newer `shipping.cost` is kept in `shipping`; `shippingDue`
    /// reads either.
    public var shippingCost: Decimal?
    /// Centra `invoiceAddress`, Mirakl `billing_info.address`.
    public var billingAddress: Address?
    /// Centra `deliveryAddress`, Dropday `shipping_address`.
    public var shippingAddress: Address?
    /// Mirakl `shipping_info`, Dropday `shipping`.
    public var shipping: ShippingInfo?
    /// Mirakl `fulfillment`.
    public var fulfillment: Fulfillment?
    /// Mirakl `has_incident`.
    public var hasIncident: Bool?
    /// Mirakl `custom_attributes`.
    public var customAttributes: [CustomAttribute]?
    /// Mirakl's per-request `origin`, kept on each order.
    public var origin: Origin?
    /// What only Centra's Create Order has.
    public var centra: CentraFields?
    public var items: [OrderItem]
    /// Members the model does not know, by the dialect path of the object
    /// that held them (`""` the order itself, `"products[1]"`, `"$request"`
    /// for members beside the order list), so nothing is dropped.
    public var unknownFields: [String: JSONObject]

    public init(externalId: String, items: [OrderItem] = []) {
        self.externalId = externalId
        self.items = items
        self.unknownFields = [:]
    }

    /// The shipping cost, in whichever of Dropday's two forms it came.
    public var shippingDue: Decimal? { shippingCost ?? shipping?.cost }
}

public enum OrderStatus: String, Sendable, Codable, CaseIterable {
    case open = "OPEN"
    case processing = "PROCESSING"
    case closed = "CLOSED"
    case cancelled = "CANCELLED"

    public var isEditable: Bool { self == .open }
}

public struct Customer: Sendable, Equatable {
    /// Cropster `customer`: the customer's or company's name.
    public var name: String?
    /// Cropster `customerType`: `RETAIL` or `WHOLESALE`.
    public var type: String?
    /// Dropday top-level `email`. (Centra keeps its email in the addresses.)
    public var email: String?
    /// The customer's name when no address gives it.
    public var firstName: String?
    public var lastName: String?
    /// ISO alpha-2, when no address gives the country.
    public var country: String?
    public init() {}

    /// The name a person would search for.
    public var displayName: String? {
        if let name, !name.isEmpty { return name }
        let full = [firstName, lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        return full.isEmpty ? nil : full
    }
}

public struct Address: Sendable, Equatable {
    public var firstName: String?
    public var lastName: String?
    /// Mirakl `company`, Dropday `company_name`.
    public var company: String?
    /// Centra `address`, Mirakl `street`, Dropday `address1`.
    public var street: String?
    /// Centra `coaddress`, Mirakl `street_additional_info`, Dropday `address2`.
    public var street2: String?
    /// Mirakl `additional_info`.
    public var additionalInfo: String?
    /// Centra `zipcode`, Mirakl `zip_code`, Dropday `postcode`.
    public var zip: String?
    public var city: String?
    public var state: String?
    /// As the source gave it: ISO alpha-2 for Centra and Dropday, free text
    /// for Mirakl's `country`.
    public var country: String?
    /// Mirakl `country_iso_code` (ISO 3166 alpha-3).
    public var countryIso3: String?
    public var email: String?
    /// Centra `tele`, Mirakl and Dropday `phone`. Dropday documents a number
    /// but sends text; both are kept as given.
    public var phone: FlexText?
    /// Centra `cell` (a B2C mobile number).
    public var cell: FlexText?
    /// Centra `attn` (B2B: to whose attention).
    public var attn: String?
    public init() {}

    public var fullName: String? {
        let full = [firstName, lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        return full.isEmpty ? nil : full
    }
}

public struct ShippingInfo: Sendable, Equatable {
    public var carrier: String?
    public var method: String?
    public var email: String?
    public var pudoId: String?
    public var deadline: String?
    public var deliveryDate: DeliveryDate?
    /// Dropday `shipping.name` (the carrier or service as the shop names it).
    public var name: String?
    /// Dropday `shipping.description`.
    public var description: String?
    /// Dropday `shipping.cost`, when the body gave the cost there.
    public var cost: Decimal?
    /// Dropday `shipping.note`.
    public var note: String?
    /// Dropday `shipping.delivery_date`, as given (`DD-MM-YYYY`).
    public var deliveryDay: String?
    public init() {}
}

public struct DeliveryDate: Sendable, Equatable {
    public var earliest: String?
    public var latest: String?
    public init() {}
}

public struct Fulfillment: Sendable, Equatable {
    /// `FULFILLED_BY_SELLER` or `FULFILLED_BY_PARTNER`.
    public var type: String?
    public var code: String?
    public init() {}
}

public struct CustomAttribute: Sendable, Equatable {
    public var id: String?
    /// `STRING`, `NUMERIC`, `BOOLEAN`, `DATE` or `LIST`.
    public var type: String?
    public var value: JSONValue?
    public init() {}
}

public struct Origin: Sendable, Equatable, Hashable {
    public var channelId: String?
    public var channelStoreId: String?
    public init(channelId: String? = nil, channelStoreId: String? = nil) {
        self.channelId = channelId
        self.channelStoreId = channelStoreId
    }
}

public struct CentraFields: Sendable, Equatable {
    /// The name this order had in a Centra batch body, when it was not the
    /// external id.
    public var key: String?
    /// Centra `orderNumber` as imported: the integer (in digits) Centra
    /// compares to refuse a repeat (-5).
    public var orderNumber: String?
    /// The body gave one `address` for both invoice and delivery.
    public var singleAddress: Bool?
    public var createOnly: Bool?
    public var pricelist: FlexText?
    public var pricelistId: FlexText?
    public var market: FlexText?
    public var marketId: FlexText?
    public var shippingList: FlexText?
    public var sendEmail: Bool?
    public var adjustStock: Bool?
    public init() {}
}

public struct OrderItem: Sendable, Equatable {
    /// Mirakl `channel_order_line_id`.
    public var lineId: String?
    /// Mirakl `product.id`, Omnia `itemId`, Dropday `external_id`, Centra
    /// `id` (the size id; sent to Centra only for orders imported from it).
    public var productId: String?
    /// Cropster and Centra `sku`, Dropday `reference`.
    public var sku: String?
    /// Centra `ean`, Dropday `ean13`: text, so leading zeros stay.
    public var ean: FlexText?
    /// Mirakl `product.title`, Dropday `name`.
    public var name: String?
    /// Cropster/Omnia/Dropday `quantity`, Centra `qty`, Mirakl `quantity`.
    public var quantity: Decimal?
    /// Gross unit price: Centra and Omnia `unitPrice`, Dropday `price`.
    public var unitPrice: Decimal?
    /// Centra `originalPrice`.
    public var originalPrice: Decimal?
    /// Dropday `purchase_price`: what the supplier is paid.
    public var purchasePrice: Decimal?
    /// Omnia `taxPercentage`.
    public var taxPercentage: Decimal?
    /// Dropday `stock_quantity`.
    public var stockQuantity: Decimal?
    /// Dropday `image_url`, Mirakl `product.thumbnail_url`.
    public var imageUrl: String?
    public var brand: String?
    public var category: String?
    public var supplier: String?
    /// Dropday's free `custom` object.
    public var custom: JSONObject?
    /// Centra `itemText`.
    public var itemText: ItemText?
    /// Mirakl line `status`, `status_reason`, `can_cancel`, `can_refund`,
    /// `total_shipping_price`, `updated_at`, `adjustments`.
    public var lineStatus: String?
    public var statusReason: String?
    public var canCancel: Bool?
    public var canRefund: Bool?
    public var totalShippingPrice: Money?
    public var updatedAt: String?
    public var adjustments: [JSONValue]?
    public init() {}
}

public struct ItemText: Sendable, Equatable {
    public var sku: String?
    public var brand: String?
    public var product: String?
    public var variant: String?
    public var size: String?
    public init() {}
}

public struct Money: Sendable, Equatable {
    public var amount: Decimal?
    public var currency: String?
    public init(amount: Decimal? = nil, currency: String? = nil) {
        self.amount = amount
        self.currency = currency
    }
}

/// A value some vendors send as text and others as a number (phone numbers,
/// EANs, Centra pricelist ids). Kept as given so it goes back as given; an
/// EAN is never turned into a number, which would lose its leading zeros.
public enum FlexText: Sendable, Equatable {
    case text(String)
    case number(String)

    public var text: String {
        switch self {
        case .text(let s), .number(let s): s
        }
    }
}
