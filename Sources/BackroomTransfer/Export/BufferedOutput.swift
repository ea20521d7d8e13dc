import Foundation

/// An `OutputStream` that collects bytes and writes them to a file handle
/// 64 KiB at a time. `CSVWriter` writes one byte per call; a file stream
/// would make that one system call per byte.
final class BufferedOutput: OutputStream {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let capacity = 64 * 1024
    private(set) var bytesWritten = 0
    private var failure: (any Error)?

    init(handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(capacity)
        super.init(toMemory: ())
    }

    required init(toMemory: ()) {
        preconditionFailure("a BufferedOutput writes to a file handle: use init(handle:)")
    }

    override var streamStatus: Stream.Status { failure == nil ? .open : .error }
    override var hasSpaceAvailable: Bool { failure == nil }
    override func open() {}
    override func close() {}

    override func write(_ bytes: UnsafePointer<UInt8>, maxLength length: Int) -> Int {
        guard failure == nil else { return -1 }
        buffer.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
        bytesWritten += length
        if buffer.count >= capacity { flushBuffer() }
        return failure == nil ? length : -1
    }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            _ = write(base, maxLength: bytes.count)
        }
    }

    /// Writes what is buffered; throws what writing failed with (a full disk).
    func flush() throws {
        flushBuffer()
        if let failure { throw failure }
    }

    private func flushBuffer() {
        guard !buffer.isEmpty, failure == nil else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            failure = error
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
