package unions

// RuntimeNames exports runtimeNames to the tests.
var RuntimeNames = runtimeNames
