from iprdesk.cli import main

main()
