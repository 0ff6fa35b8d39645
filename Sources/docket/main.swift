import ArgumentParser
import TOMLKit
import DocketStore
import DocketTerminal
print("hi")
