import BackroomCore
import BackroomServices
import BackroomTelemetry
import TerminalKit

public enum ConsoleMessage: Sendable {
    case input(InputEvent)
    /// The time, four times a second: flashes expire, pending digits
    /// resolve, the store's revision is checked. `update` reads no clock.
    case tick(Timestamp)
    /// An answer for one pane (rows, a count, a detail).
    case pane(PaneKind, PaneMessage)
    case summary(InventorySummary)
    case revision(StoreRevision)
    case written(WriteOutcome)
    case live(LiveUpdate)
    /// Settings saved (or not).
    case settingsSaved(Result<String, BackroomError>)
    /// `:export` wrote its file (or not).
    case exported(Result<String, BackroomError>)
    /// The process was asked to stop; the exit status reports the signal.
    case quit(signal: Int32?)
}

/// An answer a pane asked for. Payloads are the pane's own types.
public enum PaneMessage: Sendable {
    case rows(serial: Int, fetch: ListFetch, limit: Int, result: any Sendable)
    case counted(serial: Int, Result<Int, BackroomError>)
    case detail(any Sendable)
    /// Every row the filter matches (for `V`), or why not.
    case matching(serial: Int, result: any Sendable)
}

/// What a write did, for the flash line and the dialog that asked for it.
public struct WriteOutcome: Sendable {
    var result: Result<String, BackroomError>
    /// Panes whose rows the write changed.
    var panes: Set<PaneKind>
    /// Lines to show in a dialog after success (a generated password), and
    /// the text `y` copies from it.
    var notice: Notice?
    /// The store's revision after the write: the console's own write does
    /// not look like someone else's a second later.
    var revision: StoreRevision?
    /// Marks to clear after a bulk action.
    var clearsMarks: PaneKind?
}

extension Result where Failure == BackroomError {
    /// Runs `body`, turning any error into a `BackroomError` for the screen.
    static func catching(_ body: () async throws -> Success) async -> Result<Success, BackroomError> {
        do {
            return .success(try await body())
        } catch let error as BackroomError {
            return .failure(error)
        } catch {
            return .failure(BackroomError(.internalError, "\(error)"))
        }
    }
}
