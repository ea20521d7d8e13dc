/// The persistence contract of the service layer.
///
/// Every method is one transaction that keeps the inventory invariants of
/// DESIGN.md true when it returns, whatever else runs at the same time.
/// Decisions that need current data (is there enough stock? is this
/// transition legal?) are made inside that transaction with the pure rules
/// of this module, so that no interleaving can break them. Staff writes
/// (`WriteContext.isAudited`) write their audit line in the same
/// transaction.
///
/// Inputs arrive validated; implementations still enforce invariants with
/// constraints as a last line of defence. A shared contract test suite holds
/// every implementation to the same behaviour.
///
/// Each part (`CatalogStore`, `CartStore`, …) is a protocol of its own,
/// so that a new store is held to the contract part by part as it is built.
public protocol ShopStore: CatalogStore, AuditStore, CartStore, OrderStore, PaymentStore, UserStore, BatchStore, StockTakeStore, ExportStore, EventStore, HealthStore, NodeStore {}
