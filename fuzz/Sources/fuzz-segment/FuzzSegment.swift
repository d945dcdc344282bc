import FuzzReplay
import TallyStorage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    StorageFuzzing.segmentFile(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if !FUZZING
@main
struct Replay {
    static func main() { FuzzReplay.main { StorageFuzzing.segmentFile($0) } }
}
#endif
