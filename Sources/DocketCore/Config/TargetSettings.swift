import Foundation

extension TargetConfig {
    /// How orders are encoded for this target.
    public var encodeOptions: EncodeOptions {
        var origin: Origin?
        if settings["channel_id"] != nil || settings["channel_store_id"] != nil {
            origin = Origin(channelId: settings["channel_id"], channelStoreId: settings["channel_store_id"])
        }
        func bool(_ key: String) -> Bool? { settings[key].map { $0 == "true" } }
        var centra = CentraDefaults()
        centra.pricelist = settings["pricelist"]
        centra.market = settings["market"]
        centra.shippingList = settings["shipping_list"]
        centra.sendEmail = bool("send_email")
        centra.adjustStock = bool("adjust_stock")
        centra.createOnly = bool("create_only")
        return EncodeOptions(mode: .complete,
                             centraOrderNumber: settings["order_number"].flatMap(CentraOrderNumber.init(rawValue:)) ?? .auto,
                             centra: centra, defaultOrigin: origin, dropdayTest: bool("test"))
    }

    /// One request body for `orders` exactly as a submission to this target
    /// sends it: `submit` and `export --as` both write these bytes.
    public func requestBody(_ orders: [Order]) throws(DocketError) -> [UInt8] {
        JSONWriter.data(try dialect.codec.encodeRequest(orders, options: encodeOptions))
    }

    /// Omnia's local product list (`products_file`, made absolute by the
    /// config loader): customerProductIds one per line, or a JSON list of
    /// them. Nil when none is configured.
    public func knownProducts() throws(DocketError) -> Set<String>? {
        guard let path = settings["products_file"] else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DocketError("targets.\(name).products_file cannot be read", file: path)
        }
        if data.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) == UInt8(ascii: "[") {
            let value: JSONValue
            do { value = try JSONParser.parse(data) } catch { throw DocketError(error, file: path) }
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw DocketError("a products file in JSON is a list of product ids as text", file: path)
            }
            return Set(list.compactMap(\.stringValue))
        }
        return Set(String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }

    public var validator: OrderValidator {
        get throws(DocketError) {
            OrderValidator(dialect: dialect, options: encodeOptions, knownProducts: try knownProducts())
        }
    }
}
