@testable import BackroomConsole
import BackroomCore
import BackroomServices
import BackroomTestSupport
import TerminalKit
import Testing

@Suite("List panes")
struct ListPaneTests {
    @Test("the inventory lists the store's products on the first frame")
    func firstFrame() async throws {
        let console = try await ConsoleFixture()
        let list = console.model.inventory.list
        print(list.items.count, list.error as Any, list.isLoading, list.serial, list.total as Any, console.model.inventory.queued.count)
        #expect(console.row(0).contains("LMP-0001"))
    }
}
