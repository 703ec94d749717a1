import Foundation
import MergeServer

exit(MergeServerCommand.runMain(Array(CommandLine.arguments.dropFirst())))
