import DocketCore

/// `/openapi.json`: what the sandbox serves, as an OpenAPI 3 document.
enum OpenAPIDocument {
    static func operation(_ summary: String, security: String, body: String, responses: [(String, String)]) -> JSONValue {
        .object(JSONObject([
            .init("summary", .string(summary)),
            .init("security", security == "none" ? [] : [[.init(stringLiteral: security): []]]),
            .init("requestBody", ["required": true, "content": [.init(stringLiteral: body): ["schema": ["type": "object"]]]]),
            .init("responses", .object(JSONObject(responses.map { .init($0.0, ["description": .string($0.1)]) }))),
        ]))
    }

    static func lookup(_ summary: String, security: String, responses: [(String, String)]) -> JSONValue {
        .object(JSONObject([
            .init("summary", .string(summary)),
            .init("security", [[.init(stringLiteral: security): []]]),
            .init("responses", .object(JSONObject(responses.map { .init($0.0, ["description": .string($0.1)]) }))),
        ]))
    }

    static let json: JSONValue = [
        "openapi": "3.0.3",
        "info": ["title": "Docket sandbox", "version": "1", "description": "Local emulation of five bulk order APIs for rehearsal and tests."],
        "paths": [
            "/cropster/oauth2/token": ["post": operation("OAuth2 client credentials (Cropster)", security: "none", body: "application/x-www-form-urlencoded", responses: [("200", "token"), ("401", "invalid client"), ("403", "a required scope was not asked for")])],
            "/cropster/mrp.order.setOrders": ["post": operation("Cropster Set Orders: upsert up to 50 orders", security: "cropsterOAuth", body: "application/json", responses: [("200", "syncedOrders"), ("400", "invalid_parameter"), ("401", "unauthorized"), ("422", "bulk_operation_failed: nothing saved")])],
            "/centra/orders": ["post": operation("Centra Batch Create Orders", security: "centraKey", body: "application/json", responses: [("200", "per-order status ok/no with codes -1..-7"), ("401", "unauthorized")]),
                               "get": lookup("Centra orders, by order number (order=N), limit and offset", security: "centraKey", responses: [("200", "status ok with the orders"), ("401", "unauthorized")])],
            "/dropday/api/v1/orders/{reference}": ["get": lookup("Dropday order by reference", security: "dropdayKey", responses: [("200", "the order"), ("401", "unauthorized"), ("404", "not found")])],
            "/mirakl/oauth/token": ["post": operation("OAuth2 client credentials (Mirakl)", security: "none", body: "application/x-www-form-urlencoded", responses: [("200", "token"), ("401", "invalid client")])],
            "/mirakl/v1/orders": ["post": operation("Mirakl Connect upsertOrders", security: "miraklOAuth", body: "application/json", responses: [("204", "saved"), ("400", "errors with JsonPath fields"), ("401", "unauthorized")])],
            "/omnia/api/v3/vendor/contracts/{contractId}/orders": ["put": operation("Omnia PUT orders in bulk", security: "omniaBasic", body: "application/json", responses: [("201", "data.ids"), ("400", "errors"), ("401", "unauthorized"), ("404", "unknown contract")])],
            "/dropday/api/v1/orders": ["post": operation("Dropday Create an order", security: "dropdayKey", body: "application/json", responses: [("200", "Order created / Order already exists"), ("401", "unauthenticated"), ("422", "Errors by field")]),
                                       "get": lookup("Dropday orders, by partial external_id, include_test, per_page (at most 100)", security: "dropdayKey", responses: [("200", "a page of orders"), ("401", "unauthorized")])],
        ],
        "components": ["securitySchemes": [
            "cropsterOAuth": ["type": "oauth2", "flows": ["clientCredentials": ["tokenUrl": "/cropster/oauth2/token", "scopes": [:]]]],
            "miraklOAuth": ["type": "oauth2", "flows": ["clientCredentials": ["tokenUrl": "/mirakl/oauth/token", "scopes": [:]]]],
            "centraKey": ["type": "apiKey", "in": "header", "name": "API-Authorization"],
            "omniaBasic": ["type": "http", "scheme": "basic"],
            "dropdayKey": ["type": "apiKey", "in": "header", "name": "api-key"],
        ]],
    ]
}
