import Commands

BundleCommand.main()
