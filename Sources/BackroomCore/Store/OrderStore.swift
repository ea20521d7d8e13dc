/// Orders and their state machine.
public protocol OrderStore: Sendable {
    func order(_ number: OrderNumber) async throws -> OrderDetail?

    func orders(matching filter: OrderFilter, sort: OrderSort, window: ListWindow) async throws -> Window<Order>

    func countOrders(matching filter: OrderFilter) async throws -> Int

    func orderPosition(of key: KeysetKey, matching filter: OrderFilter, sort: OrderSort) async throws -> Int

    /// Applies a state-machine action with its stock effect, timeline entry
    /// and (for staff) audit line. `invalid_transition` if illegal now.
    func transitionOrder(_ number: OrderNumber, _ request: OrderTransitionRequest, context: WriteContext) async throws -> OrderDetail
}
