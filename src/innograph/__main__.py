from innograph.cli import console

console()
