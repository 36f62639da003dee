import ArgumentParser
import CabildoWeb
print("x")
