from leadpecker.cli import main

main()
