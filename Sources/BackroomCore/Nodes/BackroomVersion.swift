/// The version this build reports (node heartbeats, `/metrics`); it moves
/// with the API document's `info.version`.
public enum BackroomVersion {
    public static let current = "1.0.0"
}
