import BackroomCore
import Testing

@Suite("What the audit log and the timeline say")
struct AuditRecordTests {
    let sku = SKU(trusted: "MUG-1")

    @Test("a count against an on hand that moved is a conflict carrying the current count; a change of nothing is refused")
    func stockDelta() throws {
        #expect(try StockInstruction.adjust(by: -3).delta(onHand: 10, sku: sku) == -3)
        #expect(try StockInstruction.setCount(to: 7, expected: 10).delta(onHand: 10, sku: sku) == -3)
        let stale = #expect(throws: BackroomError.self) { try StockInstruction.setCount(to: 7, expected: 9).delta(onHand: 10, sku: sku) }
        #expect(stale?.code == .conflict && stale?.detail == .currentCount(10))
        let nothing = #expect(throws: BackroomError.self) { try StockInstruction.setCount(to: 10, expected: 10).delta(onHand: 10, sku: sku) }
        #expect(nothing?.code == .validationFailed && nothing?.field == "count")
    }

    @Test("stock changes name the action, the move and the reason")
    func stock() {
        let record = AuditRecord.stockChanged(
            sku, .setCount(to: 6, expected: 7), before: StockLevel(onHand: 7, held: 0, allocated: 0),
            after: StockLevel(onHand: 6, held: 0, allocated: 0), reason: .correction, reference: "shelf B"
        )
        #expect(record == AuditRecord(action: "stock.set", targetType: "product", targetID: "MUG-1", summary: "on hand 7 → 6 (correction): shelf B"))
    }

    @Test("a refund's note says what happened to the stock and the payment")
    func transitionNote() {
        #expect(OrderEvent.transitionNote(nil, restockEffect: true, restocked: true, paymentReference: nil) == "restocked")
        #expect(OrderEvent.transitionNote("damaged", restockEffect: true, restocked: false, paymentReference: nil) == "damaged (not restocked)")
        #expect(OrderEvent.transitionNote(nil, restockEffect: false, restocked: false, paymentReference: "ch_1") == "payment ch_1")
        #expect(OrderEvent.transitionNote(nil, restockEffect: false, restocked: true, paymentReference: nil) == nil)
        let record = AuditRecord.orderTransition(OrderNumber(id: 12), .refund, from: .paid, to: .refunded, note: "restocked")
        #expect(record.action == "order.refund" && record.targetID == "BR-000012" && record.summary.hasSuffix(": restocked"))
    }
}
