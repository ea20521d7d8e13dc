import BackroomCore
import BackroomServices
import TerminalKit

/// Commands that write through the service layer, as the operator, and
/// report back with the store's revision after the write.
enum Writes {
    static func command(
        _ context: PaneContext, panes: Set<PaneKind>, clearsMarks: PaneKind? = nil,
        _ body: @escaping @Sendable () async throws -> String
    ) -> Command<ConsoleMessage> {
        let shop = context.shop
        return Command {
            let result: Result<String, BackroomError> = await .catching(body)
            let revision = try? await shop.revision()
            return .written(WriteOutcome(result: result, panes: panes, revision: revision, clearsMarks: clearsMarks))
        }
    }

    /// A write whose success shows text once (a generated password).
    static func commandWithNotice(
        _ context: PaneContext, panes: Set<PaneKind>, _ notice: @escaping @Sendable () async throws -> (String, Notice)
    ) -> Command<ConsoleMessage> {
        let shop = context.shop
        return Command {
            var shown: Notice?
            let result: Result<String, BackroomError> = await .catching {
                let (text, notice) = try await notice()
                shown = notice
                return text
            }
            let revision = try? await shop.revision()
            return .written(WriteOutcome(result: result, panes: panes, notice: shown, revision: revision))
        }
    }
}
