// Run once by the mongo-init service (as the members' admin): join the three
// members into the replica set rs0, wait for a primary, and create the
// suite's own user. Safe to run again: each step checks first.
const fs = require("fs");

function initiated() {
  try {
    return rs.status().ok === 1;
  } catch (e) {
    return false;
  }
}

if (!initiated()) {
  rs.initiate({
    _id: "rs0",
    members: [
      { _id: 0, host: "mongo-1:27017", priority: 2 },
      { _id: 1, host: "mongo-2:27017", priority: 1 },
      { _id: 2, host: "mongo-3:27017", priority: 1 },
    ],
  });
}

for (let i = 0; i < 60 && !db.hello().isWritablePrimary; i++) {
  sleep(1000);
}
if (!db.hello().isWritablePrimary) {
  throw new Error("no primary after 60 s");
}

// the services' user: each service reads and writes its own database
const password = fs.readFileSync("/run/secrets/mongo_app_password", "utf8").trim();
const admin = db.getSiblingDB("admin");
if (admin.getUser("permitsuite") === null) {
  admin.createUser({
    user: "permitsuite",
    pwd: password,
    roles: [{ role: "readWriteAnyDatabase", db: "admin" }, { role: "clusterMonitor", db: "admin" }],
  });
}
print("replica set rs0 ready");
