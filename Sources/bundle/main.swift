import Commands

BundleCommand.runWithVersion()
