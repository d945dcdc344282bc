import FuzzReplay
import TallyAnalytics
import TallyQuery

/// One scratch store per process, made on first use.
let fuzzer: SQLFuzzer = {
    do { return try SQLFuzzer(schemas: DataModel.tableSchemas) } catch { fatalError("cannot create the scratch store: \(error)") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzer.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if !FUZZING
@main
struct Replay {
    static func main() { FuzzReplay.main { fuzzer.run($0) } }
}
#endif
