import BackroomCore
import Testing

@Suite("Store locations")
struct StoreLocationTests {
    @Test("a path is a SQLite file, whatever it looks like")
    func paths() throws {
        #expect(try StoreLocation.parse("shop.sqlite") == .sqlite(path: "shop.sqlite"))
        #expect(try StoreLocation.parse("/var/lib/backroom/shop.sqlite") == .sqlite(path: "/var/lib/backroom/shop.sqlite"))
        #expect(try StoreLocation.parse("./my shop: 2026.db") == .sqlite(path: "./my shop: 2026.db"))
    }

    @Test("postgres:// and postgresql:// are PostgreSQL, with port 5432 and TLS preferred unless told")
    func postgres() throws {
        let expected = PostgresAddress(endpoint: .tcp(host: "db.internal", port: 5432), user: "shop", password: "p@ss:word/1", database: "backroom", tls: .prefer)
        #expect(try StoreLocation.parse("postgres://shop:p%40ss%3Aword%2F1@db.internal/backroom") == .postgres(expected))
        #expect(try StoreLocation.parse("postgresql://shop:p%40ss%3Aword%2F1@db.internal/backroom") == .postgres(expected))
        let address = try PostgresAddress.parse("postgres://shop@10.0.0.5:6432/backroom?sslmode=require")
        #expect(address == PostgresAddress(endpoint: .tcp(host: "10.0.0.5", port: 6432), user: "shop", password: nil, database: "backroom", tls: .require))
    }

    @Test("host= names a socket directory: the socket file carries the port, TLS is off")
    func unixSocket() throws {
        let address = try PostgresAddress.parse("postgres://backroom@/shop?host=/run/postgresql")
        #expect(address.endpoint == .unixSocket(path: "/run/postgresql/.s.PGSQL.5432"))
        #expect(address.tls == .disable)
        #expect(try PostgresAddress.parse("postgres://backroom@:6543/shop?host=/tmp/pg").endpoint == .unixSocket(path: "/tmp/pg/.s.PGSQL.6543"))
    }

    @Test("the password never appears in what is printed")
    func redacted() throws {
        let location = try StoreLocation.parse("postgres://shop:s3cret@db.internal:5432/backroom")
        #expect(!location.description.contains("s3cret"))
        #expect(location.description == "postgres://shop:***@db.internal:5432/backroom?sslmode=prefer")
    }

    @Test("a malformed address is refused naming what is wrong, never taken for a file", arguments: [
        ("mysql://shop@db/backroom", "Unknown store scheme"),
        ("postgres://db.internal/backroom", "No user name"),
        ("postgres://shop@db.internal", "No database name"),
        ("postgres://shop@db.internal/", "No database name"),
        ("postgres://shop@/backroom", "No host"),
        ("postgres://shop@db/backroom?sslmode=sometimes", "sslmode"),
        ("postgres://shop@db/backroom?pool=9", "Unknown parameter \"pool\""),
        ("postgres://shop@/backroom?host=relative/dir", "socket directory"),
    ])
    func malformed(value: String, reason: String) {
        #expect {
            try StoreLocation.parse(value)
        } throws: { error in
            guard let error = error as? BackroomError else { return false }
            return error.code == .validationFailed && error.field == "db" && error.message.contains(reason) && !error.message.contains("s3cret")
        }
    }
}
