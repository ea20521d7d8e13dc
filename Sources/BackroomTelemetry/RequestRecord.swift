import BackroomCore

/// One finished HTTP request, as the live views show it.
public struct RequestRecord: Sendable, Hashable, Codable, Identifiable {
    /// Increasing per process; lets a viewer tell what it has not seen yet.
    public var id: UInt64
    public var at: Timestamp
    public var method: String
    /// The route template (`/api/v1/products/{sku}`), or the path for unknown routes.
    public var route: String
    public var path: String
    public var status: Int
    public var latencyMicroseconds: UInt64
    /// Response body bytes.
    public var bytes: Int
    public var user: String?
    public var requestID: String
    /// The problem code of an error response.
    public var errorCode: String?
    /// The problem detail of an error response, for the request's detail view.
    public var errorDetail: String?
    /// The node that served it, when a console watches several (the
    /// console sets it from the stream the record came on).
    public var node: String?

    public init(
        id: UInt64 = 0, at: Timestamp, method: String, route: String, path: String, status: Int,
        latencyMicroseconds: UInt64, bytes: Int, user: String?, requestID: String,
        errorCode: String? = nil, errorDetail: String? = nil
    ) {
        self.id = id
        self.at = at
        self.method = method
        self.route = route
        self.path = path
        self.status = status
        self.latencyMicroseconds = latencyMicroseconds
        self.bytes = bytes
        self.user = user
        self.requestID = requestID
        self.errorCode = errorCode
        self.errorDetail = errorDetail
    }

    public var isError: Bool { status >= 500 }
    public var isClientError: Bool { status >= 400 && status < 500 }
    public var statusClass: Int { status / 100 }
}
