/// One line asked for when a cart is created with its first lines.
public struct CartLineQuantity: Sendable, Hashable {
    public var sku: SKU
    public var quantity: Int64

    public init(sku: SKU, quantity: Int64) {
        self.sku = sku
        self.quantity = quantity
    }

    /// The lines as a new cart may take them: each quantity within the line
    /// rules (at least 1), each SKU once (SKUs compare without case), no
    /// more lines than a cart may have.
    public static func validated(_ lines: [CartLineQuantity], limits: CartLimits) throws(BackroomError) -> [CartLineQuantity] {
        guard lines.count <= limits.linesPerCart else {
            throw .limitExceeded(.linesPerCart, "A cart holds at most \(limits.linesPerCart) different products; \(lines.count) were sent.", field: "lines")
        }
        var seen = Set<String>()
        for line in lines {
            _ = try QuantityRules.lineQuantity(line.quantity, field: "lines")
            guard seen.insert(line.sku.rawValue.lowercased()).inserted else {
                throw .validation("lines", "\(line.sku) is listed twice; send one line per SKU.")
            }
        }
        return lines
    }
}
