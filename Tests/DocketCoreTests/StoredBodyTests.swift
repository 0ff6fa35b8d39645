import DocketCore
import Testing

/// Bodies go into a store compressed and come out byte for byte.
struct StoredBodyTests {
    @Test(arguments: [0, 1, 64, 65, 4096, 300_000])
    func aBodyComesBackAsItWent(size: Int) {
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(StoredBody.decode(StoredBody.encode(noise)) == noise)
        let json = Array(String(repeating: #"{"id":"C-0000001","total":"12.50"},"#, count: max(1, size / 34)).utf8)
        let stored = StoredBody.encode(json)
        #expect(StoredBody.decode(stored) == json)
        if json.count > 1000 { #expect(stored.count * 5 < json.count, "a repetitive JSON body shrinks") }
    }

    @Test func aDamagedBodySaysSoInsteadOfFailing() {
        var stored = StoredBody.encode(Array(String(repeating: "abc", count: 100).utf8))
        stored.removeLast(5)
        #expect(String(decoding: StoredBody.decode(stored), as: UTF8.self).contains("damaged"))
    }

    @Test func hexReadsBothCasesAndRefusesWhatIsNot() {
        #expect(Hex.bytes("00ff7F") == [0, 255, 127])
        #expect(Hex.bytes("0") == nil && Hex.bytes("zz") == nil)
    }
}
