import Foundation
import Testing
@testable import DocketCore

@Suite struct JSONParserTests {
    @Test func numbersKeepTheirText() throws {
        let v = try JSONParser.parse(#"{"a": 14.11, "b": 2.50, "c": -0, "d": 1e3}"#)
        #expect(v.objectValue?["a"] == .number("14.11"))
        if case .number(let text)? = v.objectValue?["b"] { #expect(text == "2.50") } else { Issue.record("b is not a number") }
        #expect(JSONWriter.string(v) == #"{"a":14.11,"b":2.50,"c":-0,"d":1e3}"#)
    }

    @Test func equalityIgnoresMemberOrderAndNumberSpelling() throws {
        let a = try JSONParser.parse(#"{"x": 1.50, "y": [1, {"p": true, "q": null}]}"#)
        let b = try JSONParser.parse(#"{"y": [1.0, {"q": null, "p": true}], "x": 1.5}"#)
        #expect(a == b)
        let c = try JSONParser.parse(#"{"y": [1.0, {"q": null, "p": false}], "x": 1.5}"#)
        #expect(a != c)
    }

    @Test func escapesAndUnicode() throws {
        let v = try JSONParser.parse(#"["a\"b\\c\/\n\t\u00e9\ud83d\ude00", "日本"]"#)
        #expect(v.arrayValue?[0] == .string("a\"b\\c/\n\té😀"))
        #expect(v.arrayValue?[1] == .string("日本"))
        let back = try JSONParser.parse(JSONWriter.string(v))
        #expect(back == v)
        #expect(JSONWriter.string(.string("\u{1b}]0;x\u{07}")) == #""\u001b]0;x\u0007""#)
    }

    @Test func truncatedFileNamesWhereItBroke() {
        let text = "{\n  \"data\": [\n    {\"externalId\": \"A\","
        #expect {
            try JSONParser.parse(text)
        } throws: { error in
            guard let e = error as? JSONSyntaxError else { return false }
            return e.line == 3 && e.message.contains("truncated")
        }
    }

    @Test(arguments: [
        (#"{"a": 1,}"#, 1, "expected a member name"),
        ("{\"a\": 1\n\"b\": 2}", 2, "expected ',' or '}'"),
        (#"{"a": 01}"#, 1, "may not start with 0"),
        (#"{"k": 1, "k": 2}"#, 1, "appears twice"),
        (#"[1, 2] x"#, 1, "after the end"),
        ("\"a\tb\"", 1, "control character"),
        (#"{"a": tru}"#, 1, "expected a value"),
    ])
    func malformedInputsAreRefused(text: String, line: Int, message: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("parsed \(text)")
        } catch {
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func columnsCountCharacters() {
        do {
            _ = try JSONParser.parse("{\"é\": x}")
            Issue.record("parsed")
        } catch {
            #expect(error.column == 7)
        }
    }

    @Test func duplicateKeysInLargeObjectsAreFound() {
        var members = (0..<100).map { "\"k\($0)\": {}" }
        members.append("\"k42\": {}")
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse("{" + members.joined(separator: ",") + "}") }
    }

    @Test func invalidUTF8IsRefused() {
        let bytes: [UInt8] = Array("[\"a".utf8) + [0xFF, 0xFE] + Array("\"]".utf8)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
    }
}

@Suite struct DecimalTextTests {
    @Test(arguments: ["0", "14.11", "2.50", "-0.5", "100.11", "123456789012345678", "0.000001", "1e3", "-12.0", "99999999999999999999.5"])
    func parsesAsFoundationDoes(text: String) {
        #expect(DecimalText.parse(text) == Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
    }

    @Test func formatsWithoutBinaryNoise() {
        #expect(DecimalText.format(DecimalText.parse("14.11")!) == "14.11")
        #expect(DecimalText.format(DecimalText.parse("0.1")! + DecimalText.parse("0.2")!) == "0.3")
    }

    /// Amounts with no more decimals than asked for come back as they are;
    /// the others are rounded half away from zero, as Foundation rounds.
    @Test(arguments: [("29.995", "30"), ("1.005", "1.01"), ("-1.005", "-1.01"), ("12.3", "12.3"), ("14.11", "14.11"),
                      ("1e2", "100"), ("-0.004", "0"), ("7", "7"), ("2.50", "2.5"), ("0.125", "0.13")])
    func roundsMoneyToTwoDecimals(text: String, rounded: String) throws {
        let d = try #require(DecimalText.parse(text))
        #expect(DecimalText.rounded(d, places: 2) == Decimal(string: rounded)!)
        var value = d, slow = Decimal()
        NSDecimalRound(&slow, &value, 2, .plain)
        #expect(DecimalText.rounded(d, places: 2) == slow)
    }
}

@Suite struct DecimalFormatTests {
    @Test(arguments: ["0", "14.11", "2.50", "-0.5", "100.11", "123456789012345678", "0.000001", "1e3", "-12.0", "99999999999999999999.5", "1.10", "-0.0", "1e-30", "5e20"])
    func formatsAsFoundationDoes(text: String) throws {
        let d = try #require(DecimalText.parse(text))
        #expect(DecimalText.format(d) == d.description)
        let sum = d * 3 + Decimal(string: "0.07")!
        #expect(DecimalText.format(sum) == sum.description)
    }
}

@Test func formatsTwentyThousandAmountsAsFoundationDoes() {
    // A fixed walk over significands, scales and signs, so a mistake in
    // writing digits, the point or the zeros shows whatever the value.
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
    var mismatches: [String] = []
    for _ in 0..<20_000 {
        let digits = Int(next() % 18) + 1
        var significand: UInt64 = 1
        for _ in 0..<digits { significand = significand &* 10 }
        let value = next() % significand
        let exponent = Int(next() % 26) - 20
        let d = Decimal(sign: next() % 2 == 0 ? .plus : .minus, exponent: exponent, significand: Decimal(value))
        if DecimalText.format(d) != d.description { mismatches.append("\(d.description) as \(DecimalText.format(d))") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
}

@Test func decimalFastPathIsInUse() {
    #expect(DecimalText.layoutVerified)
}
