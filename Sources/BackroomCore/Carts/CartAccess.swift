/// Who may use a cart: anyone holding an anonymous cart's id; only its
/// owner (or staff who see orders) for a customer's cart. Checked by the
/// store inside the write, so using a cart costs no extra read.
public struct CartAccess: Sendable, Hashable {
    public var userID: Int64?
    public var isStaff: Bool

    public init(userID: Int64?, isStaff: Bool) {
        self.userID = userID
        self.isStaff = isStaff
    }

    public init(_ principal: Principal?) {
        self.init(userID: principal?.userID, isStaff: principal?.can(.viewOrders) ?? false)
    }

    public func authorize(ownerID: Int64?) throws(BackroomError) {
        guard let ownerID else { return }
        guard userID != nil || isStaff else {
            throw BackroomError.unauthenticated("This cart belongs to a customer; sign in to use it.")
        }
        guard userID == ownerID || isStaff else {
            throw BackroomError.forbidden("This cart belongs to another customer.")
        }
    }
}
