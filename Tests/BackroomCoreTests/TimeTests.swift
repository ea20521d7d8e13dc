import BackroomCore
import Foundation
import Testing

@Suite("Time")
struct TimeTests {
    @Test("civil time agrees with Foundation's calendar")
    func civilTime() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let ms = Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &generator)
            let civil = CivilTime(Timestamp(millisecondsSince1970: ms))
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Timestamp(millisecondsSince1970: ms).date)
            let ours: [Int] = [civil.year, civil.month, civil.day, civil.hour, civil.minute, civil.second]
            let foundation: [Int] = [parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!]
            #expect(ours == foundation)
            let midnight = CivilTime(Timestamp(millisecondsSince1970: Int64(civil.dayNumber) * 86_400_000))
            #expect(midnight.day == civil.day && midnight.month == civil.month && midnight.year == civil.year)
        }
    }

    @Test("RFC 3339 text round-trips to the millisecond")
    func iso8601() throws {
        let timestamp = Timestamp(millisecondsSince1970: 1_795_000_123_456)
        #expect(timestamp.iso8601 == "2026-11-18T11:08:43.456Z")
        #expect(Timestamp(iso8601: timestamp.iso8601) == timestamp)
        #expect(Timestamp(iso8601: "2026-11-18T11:08:43Z") == Timestamp(millisecondsSince1970: 1_795_000_123_000))
        #expect(Timestamp(iso8601: "yesterday") == nil)
    }

    @Test("the manual clock moves only when told")
    func manualClock() {
        let clock = ManualTimeSource(Timestamp(millisecondsSince1970: 1000))
        #expect(clock.now().millisecondsSince1970 == 1000)
        clock.advance(seconds: 2)
        #expect(clock.now().millisecondsSince1970 == 3000)
    }
}
