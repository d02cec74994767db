// The stage graph behind `dcls-delays reproduce`.
