import DocketCore

/// Demo orders in the vendors' fuller shapes (made-up values), imported as
/// their dialects would bring them: a Centra order with its email and
/// country in the addresses and products by size id, ean and sku; a
/// Dropday order with the newer `shipping` object and a purchase price; an
/// Omnia order with a field Omnia does not allow (caught before sending);
/// and a Cropster order whose date carries an offset (sent in UTC).
enum DemoVendorOrders {
    static let bodies: [(Dialect, String)] = [
        (.centra, #"""
        {"DEMO-CENTRA-88121": {"orderNumber": 88121,
          "invoiceAddress": {"email": "lena.holm@example.se", "firstName": "Lena", "lastName": "Holm", "tele": "+46 8 123 45 67",
                             "address": "Drottninggatan 12", "zipcode": "11151", "city": "Stockholm", "country": "SE"},
          "deliveryAddress": {"firstName": "Lena", "lastName": "Holm", "cell": "+46 70 123 45 67", "address": "Sveavägen 3",
                              "coaddress": "c/o Berg", "zipcode": "11157", "city": "Stockholm", "country": "SE"},
          "pricelist": "SEK Retail", "market": "Sweden", "shippingValue": 49.00, "sendEmail": false,
          "products": [{"qty": 1, "id": 4411, "unitPrice": 399.00, "originalPrice": 499.00},
                       {"qty": 2, "ean": "07350012345678", "unitPrice": 129.50},
                       {"qty": 1, "sku": "ETH-250G-WB", "unitPrice": 30.0125, "comment": "rounded to 30.01 on the way to Centra"}]},
         "DEMO-CENTRA-OSLO": {"address": {"email": "ola.nordmann@example.no", "firstName": "Ola", "lastName": "Nordmann",
                              "address": "Karl Johans gate 1", "zipcode": "0154", "city": "Oslo", "country": "NO"},
          "products": [{"qty": 3, "sku": "COL-1KG-WB", "unitPrice": 89.00}]}}
        """#),
        (.dropday, #"""
        {"external_id": "DEMO-DROPDAY-417", "source": "Fietsonderdelen Online", "test": true, "total": 73.40, "email": "k.devries@example.nl",
         "shipping": {"name": "PostNL", "description": "Next-day delivery", "cost": 6.95, "note": "Ring the bell twice", "delivery_date": "03-04-2026"},
         "shipping_address": {"first_name": "Karin", "last_name": "de Vries", "address1": "Oudegracht 101", "address2": "bis",
                              "postcode": "3511 AE", "city": "Utrecht", "country": "Netherlands", "phone": "31301234567"},
         "products": [{"external_id": "ETH-250G-WB", "ean13": "08712345000017", "name": "Ethiopia 250g whole bean", "reference": "ETH-250G-WB",
                       "quantity": 2, "price": 21.95, "purchase_price": 11.20},
                      {"external_id": "COL-1KG-WB", "name": "Colombia 1kg ground", "reference": "COL-1KG-WB", "quantity": 1, "price": 22.55}]}
        """#),
        (.omnia, #"""
        {"version": "3", "orders": [
          {"orderId": "DEMO-OMNIA-STRAY", "creationDate": "2026-04-02T09:41:07Z", "origin": "webshop.example", "currency": "EUR",
           "shippingCosts": 3.95, "totalPrice": 63.85, "giftMessage": "Happy birthday!",
           "items": [{"itemId": "ETH-250G-WB", "unitPrice": 29.95, "quantity": 2, "taxPercentage": 21}]}]}
        """#),
        (.cropster, #"""
        {"data": [{"externalId": "DEMO-CROPSTER-TZ", "orderDate": "2026-04-02T10:15:00+02:00", "customer": "Café Rösterei",
                   "customerType": "WHOLESALE", "orderItems": [{"sku": "ETH-250G-WB", "quantity": 12}, {"sku": "COL-1KG-WB", "quantity": 3}]}]}
        """#),
    ]

    static func orders() throws -> [Order] {
        var orders: [Order] = []
        for (dialect, text) in bodies {
            orders += try dialect.codec.decodeRequest(try JSONParser.parse(text))
        }
        return orders
    }
}
