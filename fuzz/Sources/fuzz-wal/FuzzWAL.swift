import FuzzReplay
import TallyStorage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    StorageFuzzing.walFile(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if !FUZZING
@main
struct Replay {
    static func main() { FuzzReplay.main { StorageFuzzing.walFile($0) } }
}
#endif
