/// Where an order ships.
public struct ShippingAddress: Sendable, Hashable, Codable {
    public var name: String
    public var line1: String
    public var line2: String?
    public var city: String
    public var postalCode: String
    /// ISO 3166-1 alpha-2, upper case.
    public var country: String

    public init(name: String, line1: String, line2: String? = nil, city: String, postalCode: String, country: String) {
        self.name = name
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.postalCode = postalCode
        self.country = country
    }

    public func validated() throws(BackroomError) -> ShippingAddress {
        let country = country.trimmingWhitespace().uppercased()
        guard country.count == 2, country.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw .validation("shippingAddress.country", "Use a two-letter country code, like DE or US.")
        }
        return ShippingAddress(
            name: try TextRules.requiredLine(name, field: "shippingAddress.name", label: "name", maximum: 200),
            line1: try TextRules.requiredLine(line1, field: "shippingAddress.line1", label: "street address", maximum: 200),
            line2: try TextRules.optionalLine(line2, field: "shippingAddress.line2", label: "second address line", maximum: 200),
            city: try TextRules.requiredLine(city, field: "shippingAddress.city", label: "city", maximum: 100),
            postalCode: try TextRules.requiredLine(postalCode, field: "shippingAddress.postalCode", label: "postal code", maximum: 20),
            country: country
        )
    }
}

/// Everything checkout needs besides the cart.
public struct CheckoutDetails: Sendable, Hashable {
    public var email: Email
    public var shippingAddress: ShippingAddress
    /// A client-chosen key; repeating a checkout with it returns the same order.
    public var idempotencyKey: String?

    public init(email: Email, shippingAddress: ShippingAddress, idempotencyKey: String?) {
        self.email = email
        self.shippingAddress = shippingAddress
        self.idempotencyKey = idempotencyKey
    }

    public static func validateIdempotencyKey(_ key: String?) throws(BackroomError) -> String? {
        guard let key else { return nil }
        guard !key.isEmpty, key.utf8.count <= 200,
              key.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7e })
        else {
            throw .validation("Idempotency-Key", "An idempotency key is 1–200 visible ASCII characters.")
        }
        return key
    }
}

/// What checkout returns: the order, and whether it was placed by an earlier
/// call with the same idempotency key.
public struct CheckoutResult: Sendable, Hashable {
    public var order: OrderDetail
    public var isReplay: Bool

    public init(order: OrderDetail, isReplay: Bool) {
        self.order = order
        self.isReplay = isReplay
    }
}

/// The checkout rules every store applies.
public enum CheckoutRules {
    /// Whether a repeated checkout (same cart, same idempotency key) asks
    /// for what the order already is: the same email and address. A key
    /// replayed with other details is refused, not silently answered with
    /// an order the client did not ask for.
    public static func isSameRequest(_ details: CheckoutDetails, as order: Order) -> Bool {
        details.email == order.email && details.shippingAddress == order.shippingAddress
    }
}
