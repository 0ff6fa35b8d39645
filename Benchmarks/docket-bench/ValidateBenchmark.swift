import DocketCore
import Foundation

/// Local validation on one core, per dialect: N generated orders (3 items
/// each) checked as `docket submit` checks them before the first request
/// (each order encoded in the dialect and held to its vendor's rules, and
/// the rules across orders). Goal: ≥ 300,000 orders/s for every dialect.
/// Baseline in the same run: encoding the same orders in the dialect alone,
/// which every check starts with.
struct ValidateBenchmark {
    var orders: Int
    var dialects = Dialect.allCases

    func run() throws {
        var generator = OrderGenerator(seed: 11, itemsPerOrder: 3...3, lean: true)
        let lean = (0..<orders).map { generator.order($0) }
        // Mirakl requires what a typical shop order leaves out (fulfilment,
        // each line's status and flags): the full generated orders carry it,
        // so its row measures valid orders too.
        var full = OrderGenerator(seed: 11, itemsPerOrder: 3...3, lean: false)
        let complete = (0..<orders).map { full.order($0) }
        for dialect in dialects {
            let batch = dialect == .mirakl ? complete : lean
            let validator = OrderValidator(dialect: dialect)
            var problems = 0
            let checked = seconds {
                var selection = OrderValidator.Selection(validator: validator)
                for order in batch { problems += selection.check(order).count }
            }
            let options = EncodeOptions(mode: .complete)
            let encoded = seconds {
                for order in batch { _ = try? dialect.codec.encodeRequest(one: order, options: options) }
            }
            report("validate.\(dialect.rawValue).orders_per_second", Double(orders) / checked, "orders/s")
            report("validate.\(dialect.rawValue).encode_only_orders_per_second", Double(orders) / encoded, "orders/s")
            report("validate.\(dialect.rawValue).ratio_to_encode_only", checked / encoded, "x")
            report("validate.\(dialect.rawValue).problems", Double(problems), "issues")
        }
    }
}
