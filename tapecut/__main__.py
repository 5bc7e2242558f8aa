from tapecut.cli import main

main()
