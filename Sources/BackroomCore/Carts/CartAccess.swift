/// Who may use a cart: anyone holding an anonymous cart's id; only its
/// owner for a customer's cart. Staff roles get no say over shoppers'
/// carts here: their work on orders goes through the admin routes, so a
/// viewer's token cannot fill, check out or pay for somebody else. Checked
/// by the store inside the write, so using a cart costs no extra read.
public struct CartAccess: Sendable, Hashable {
    public var userID: Int64?

    public init(userID: Int64?) {
        self.userID = userID
    }

    public init(_ principal: Principal?) {
        self.init(userID: principal?.userID)
    }

    public func authorize(ownerID: Int64?) throws(BackroomError) {
        guard let ownerID else { return }
        guard userID != nil else {
            throw BackroomError.unauthenticated("This cart belongs to a customer; sign in to use it.")
        }
        guard userID == ownerID else {
            throw BackroomError.forbidden("This cart belongs to another customer.")
        }
    }
}
