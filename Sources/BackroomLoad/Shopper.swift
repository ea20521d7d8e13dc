import BackroomCore
import Foundation
import NIOHTTP1

/// One simulated shopper's visit: browse, search, look, fill a cart, and
/// usually check out and pay. Sometimes a bad request, on purpose.
struct Shopper {
    let generator: LoadGenerator
    let skus: [String]
    var random: SplitMix

    init(generator: LoadGenerator, skus: [String], seed: UInt64) {
        self.generator = generator
        self.skus = skus
        random = SplitMix(seed: seed)
    }

    static let words = ["mug", "tee", "lamp", "bag", "green", "oat", "steel", "linen", "notebook", "socks", "藍色"]
    static let address: [String: String] = ["name": "Load Shopper", "line1": "Hauptstraße 1", "city": "Berlin", "postalCode": "10115", "country": "DE"]

    /// One visit; false once the generator is out of time or requests.
    mutating func visit(deadline: ContinuousClock.Instant?) async -> Bool {
        func go() async -> Bool { await generator.mayIssue(deadline: deadline) }
        if random.chance(generator.plan.badRequestShare * 3) {
            guard await go() else { return false }
            await sendBadRequest()
        }
        guard await go() else { return false }
        _ = await generator.send(.GET, "/api/v1/products?limit=20")
        if random.chance(0.5) {
            guard await go() else { return false }
            let word = Self.words[random.below(Self.words.count)].addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "mug"
            _ = await generator.send(.GET, "/api/v1/products?q=\(word)&limit=20")
        }
        for _ in 0..<(1 + random.below(3)) {
            guard await go() else { return false }
            _ = await generator.send(.GET, "/api/v1/products/\(pickSKU())")
        }
        guard random.chance(0.6) else { return true }
        guard await go() else { return false }
        guard let (status, body) = await generator.send(.POST, "/api/v1/carts"), status == 201,
              let cartID = (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["id"] as? String
        else { return true }
        var lines = 0
        for _ in 0..<(1 + random.below(3)) {
            guard await go() else { return false }
            let quantity = 1 + random.below(2)
            let payload = try! JSONSerialization.data(withJSONObject: ["quantity": quantity])
            if let (status, _) = await generator.send(.PUT, "/api/v1/carts/\(cartID)/lines/\(pickSKU())", body: payload) {
                if status == 200 { lines += 1 }
                if status == 409 { generator.noteStockRefusal() }
            }
        }
        guard lines > 0, random.chance(0.7) else { return true }
        guard await go() else { return false }
        let checkout = try! JSONSerialization.data(withJSONObject: ["email": "shopper\(random.below(500))@example.com", "shippingAddress": Self.address])
        let key = "load-\(random.next())"
        guard let (placedStatus, placedBody) = await generator.send(.POST, "/api/v1/carts/\(cartID)/checkout", body: checkout, headers: [("Idempotency-Key", key)]) else {
            return true
        }
        if placedStatus == 409 { generator.noteStockRefusal() }
        guard placedStatus == 201, let number = (try? JSONSerialization.jsonObject(with: placedBody) as? [String: Any])?["number"] as? String else {
            return true
        }
        generator.noteOrder()
        guard random.chance(0.75) else { return true }
        guard await go() else { return false }
        if let (status, _) = await generator.send(.POST, "/api/v1/orders/\(number)/pay", headers: [("X-Cart-Token", cartID)]), status == 200 {
            generator.notePayment()
        }
        return true
    }

    mutating func pickSKU() -> String {
        // A few products are popular: most views go to the first tenth of the list.
        let pool = random.chance(0.7) ? max(1, skus.count / 10) : skus.count
        return skus[random.below(pool)]
    }

    mutating func sendBadRequest() async {
        switch random.below(3) {
        case 0:
            _ = await generator.send(.GET, "/api/v1/products/NOPE-\(random.below(100_000))")
        case 1:
            _ = await generator.send(.POST, "/api/v1/carts/c_aaaaaaaaaaaaaaaaaaaaaaaaaa/checkout", body: Data("{\"email\": ".utf8))
        default:
            // Well-formed JSON with a bad value: a 422 naming the field.
            _ = await generator.send(.PUT, "/api/v1/carts/c_aaaaaaaaaaaaaaaaaaaaaaaaaa/lines/\(pickSKU())", body: Data("{\"quantity\": -1}".utf8))
        }
    }
}

/// A small deterministic generator per shopper.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }

    mutating func chance(_ probability: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < probability }
}
