import Logging

/// Writes to standard error as swift-log's `StreamLogHandler` does, but
/// renders the metadata only when a line is written. `StreamLogHandler`
/// renders it on every change, and Hummingbird puts a request id on every
/// request's logger: with nothing logged, that rendering was ~2% of a
/// product read's server CPU in a profile.
struct DeferredStreamLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        logLevel = level
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var stream = StreamLogHandler.standardError(label: label, metadataProvider: metadataProvider)
        stream.logLevel = logLevel
        stream.metadata = metadata
        stream.log(event: event)
    }
}
