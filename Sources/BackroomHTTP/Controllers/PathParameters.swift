import BackroomCore
import HTTPTypes
import Hummingbird

/// Path parameters parsed into domain values. A value that cannot name
/// anything (a malformed SKU or cart token) is simply not found.
extension BackroomRequestContext {
    func sku() throws -> SKU {
        let text = try pathParameter("sku")
        guard let sku = try? SKU(text) else { throw BackroomError.notFound("No product with SKU \"\(text.prefix(70))\".") }
        return sku
    }

    func cartID() throws -> CartID {
        try CartID(try pathParameter("cartId"))
    }

    func orderNumber() throws -> OrderNumber {
        try OrderNumber(try pathParameter("number"))
    }

    func userID() throws -> Int64 {
        let text = try pathParameter("id")
        guard let id = Int64(text), id > 0 else { throw BackroomError.notFound("No user with id \"\(text.prefix(40))\".") }
        return id
    }
}
