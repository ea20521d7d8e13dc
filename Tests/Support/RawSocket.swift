import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a loopback port, for what HTTP clients will
/// not do: half a request, a header a byte at a time, sockets left idle.
public final class RawSocket: @unchecked Sendable {
    public let descriptor: Int32

    /// Connects to `127.0.0.1:port`, from `source` if given (any 127.x
    /// address works on Linux, so tests can stand for several clients).
    public init(port: Int, source: String? = nil, receiveBuffer: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawSocketError("socket: \(errno)") }
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { Glibc.close(descriptor); throw RawSocketError("bind \(source): \(errno)") }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { Glibc.close(descriptor); throw RawSocketError("connect: \(errno)") }
    }

    public func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the peer closes or `seconds` pass; returns what came and whether it closed.
    public func readUntilClosed(seconds: Double) -> (text: String, closed: Bool) {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return (String(decoding: received, as: UTF8.self), true) }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                return (String(decoding: received, as: UTF8.self), true)
            }
            received += buffer[0..<count]
        }
        return (String(decoding: received, as: UTF8.self), false)
    }

    /// Reads until the text received contains `marker`, the peer closes,
    /// or `seconds` pass; returns what came.
    public func read(until marker: String, seconds: Double) -> String {
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { break }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { continue }
                break
            }
            received += buffer[0..<count]
            if String(decoding: received, as: UTF8.self).contains(marker) { break }
        }
        return String(decoding: received, as: UTF8.self)
    }

    public func close() {
        Glibc.close(descriptor)
    }
}

public struct RawSocketError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension RawSocket {
    /// Sends a whole HTTP/1.1 request (connection: close) and reads the answer.
    public static func request(port: Int, _ head: String, seconds: Double = 5) throws -> String {
        let socket = try RawSocket(port: port)
        defer { socket.close() }
        socket.send(head)
        return socket.readUntilClosed(seconds: seconds).text
    }

    /// Raises this process's open-file limit as far as it may go (root may
    /// raise the hard limit too); returns the soft limit in force.
    @discardableResult
    public static func raiseFileLimit(to wanted: Int) -> Int {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < rlim_t(wanted) {
            var raised = limit
            raised.rlim_cur = rlim_t(wanted)
            raised.rlim_max = max(limit.rlim_max, rlim_t(wanted))
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) != 0 {
                raised = limit
                raised.rlim_cur = limit.rlim_max
                _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised)
            }
        }
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return Int(limit.rlim_cur)
    }
}

extension RawSocket {
    /// `readUntilClosed` on a thread of its own: a blocking read must not
    /// hold one of the few threads async code runs on (the servers under
    /// test run there too).
    public func closed(within seconds: Double) async -> (text: String, closed: Bool) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.readUntilClosed(seconds: seconds)) }
        }
    }

    /// `read(until:seconds:)` on a thread of its own.
    public func text(until marker: String, seconds: Double) async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.read(until: marker, seconds: seconds)) }
        }
    }
}

extension RawSocket {
    /// `request(port:_:seconds:)` on a thread of its own.
    public static func exchange(port: Int, _ head: String, seconds: Double = 5) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    continuation.resume(returning: try request(port: port, head, seconds: seconds))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Opens up to `count` connections from `source`, on a thread of its own.
    public static func connectMany(port: Int, source: String, count: Int) async -> [RawSocket] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var sockets: [RawSocket] = []
                for _ in 0..<count {
                    guard let socket = try? RawSocket(port: port, source: source) else { break }
                    sockets.append(socket)
                }
                continuation.resume(returning: sockets)
            }
        }
    }
}
